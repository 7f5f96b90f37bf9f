/*
 * alb_log — reading one line of an Application Load Balancer access log, in AWS's format
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html):
 * fields separated by single spaces, strings in double quotes (a quote inside one is
 * written \" and a backslash \\), `-` for a value that is absent.  elbsim reads the fields
 * it replays (request_creation_time, the path of the request line, target_processing_time)
 * and checks the ones that tell a malformed line (type, time, the three processing times,
 * the status codes, the byte counts).  Lines may have more fields than elbsim knows (AWS
 * appends new ones at the end); fewer than the 22 up to request_creation_time is an error.
 */
#ifndef ELBSIM_MODELS_TRAFFIC_ALB_LOG_H
#define ELBSIM_MODELS_TRAFFIC_ALB_LOG_H

#include <stddef.h>

/* What elbsim takes from one entry. */
struct alb_log_line {
    double time_s;            /* Unix time: the response (field `time`) */
    double creation_s;        /* Unix time: the request reached the LB (request_creation_time) */
    double request_processing_s, target_processing_s, response_processing_s; /* -1: none */
    int elb_status;           /* 0 when `-` */
    int target_status;        /* 0 when `-` */
    int rule_priority;        /* -2 when `-` */
    char path[1024];          /* the request line's path without the query; "" when the
                               * request line is `- - -` */
    char target_group[256];   /* the target group's name from its ARN; "" when `-` */
};

/* Parse one line (without its newline; it is modified).  0, or -1 with a short reason in
 * why (at most n bytes) and *field the 1-based field number at fault (0: the line). */
int alb_log_parse(char *line, struct alb_log_line *out, char *why, size_t n, int *field);

#endif

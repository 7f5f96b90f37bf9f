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

#include <stdbool.h>
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

/* Called once per well-formed entry; the line is valid during the call only. */
typedef void alb_log_entry_fn(void *ctx, const struct alb_log_line *l);

struct alb_log_counts {
    size_t files;  /* log files read (0: a folder without any .log or .log.gz) */
    size_t lines;  /* non-empty lines */
    size_t bad;    /* malformed lines, skipped */
};

/* Read every entry of path: a log file (plain or gzip: zlib reads both), or a folder walked
 * recursively as S3 delivers the logs, every file named *.log or *.log.gz, in name order.
 * Malformed lines are skipped and counted; the first 10 are reported on stderr with their
 * file:line, then how many more.  Whether too many were bad is the caller's call.  0, or
 * -1 after a message (a path that cannot be read, a truncated or corrupt gzip file). */
int alb_log_read(const char *path, alb_log_entry_fn *fn, void *ctx, struct alb_log_counts *c);

#endif

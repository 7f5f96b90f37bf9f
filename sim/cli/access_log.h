/*
 * access_log — `output.access_logs: true`: the load balancers' access logs in AWS's own
 * format, named and split as AWS delivers them to S3 (docs/outputs.md "Access logs").
 *
 * An ALB writes one entry per request it answers (AWS's 30 space-separated fields, quoted
 * strings quoted), into one gzip file per LB node per 5 minutes:
 *   AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/mm/dd/
 *     <account>_elasticloadbalancing_<region>_app.<name>.<id>_<end>_<node ip>_<random>.log.gz
 * A CLB with an HTTP/HTTPS listener writes the Classic format (15 fields) into one plain
 * .log file per node per 60 minutes (AWS's default emit interval):
 *     <account>_elasticloadbalancing_<region>_<name>_<end>_<node ip>_<random>.log
 * An NLB with a TLS listener writes one entry per TLS connection (flow) when it closes, in
 * AWS's NLB format (22 space-separated fields, version 2.0), into one gzip file per LB
 * node per 5 minutes (AWS's NLB names carry no node address):
 *     <account>_elasticloadbalancing_<region>_net.<name>.<id>_<end>_<random>.log.gz
 * Connections still open when the run ends are not written.
 * Addresses, ids and the random part of the names are synthetic and derived from the
 * names and the seed, so the files are the same byte for byte for the same run.
 *
 * The writer is attached to the world's env (on_lb_response) only when asked for: a run
 * without it pays nothing.
 */
#ifndef ELBSIM_SIM_CLI_ACCESS_LOG_H
#define ELBSIM_SIM_CLI_ACCESS_LOG_H

#include <stddef.h>
#include <stdint.h>

struct world;
struct scenario;

/* The account elbsim writes in names and ARNs: AWS's documentation example account. */
#define ACCESS_LOG_ACCOUNT "123456789012"

/* One ALB entry's values; strings are written as given (NULL: "-"), times are seconds
 * (negative: -1, AWS's "could not dispatch"). */
struct alb_log_entry {
    const char *type;            /* http, https */
    double time_s;               /* Unix time: the response to the client */
    const char *elb;             /* app/<name>/<id> */
    const char *client;          /* ip:port */
    const char *target;          /* ip:port or NULL */
    double request_processing_s, target_processing_s, response_processing_s;
    int elb_status;              /* 0: "-" */
    int target_status;           /* 0: "-" */
    uint64_t received_bytes, sent_bytes;
    const char *request;         /* "GET http://host:80/path HTTP/1.1" */
    const char *target_group_arn;
    const char *trace_id;
    const char *domain;
    int rule_priority;           /* -2: "-" */
    double creation_s;           /* Unix time: the request reached the LB */
    const char *actions;
    const char *error_reason;
    const char *conn_trace_id;
};

/* The entry as one line (with its '\n') into buf; returns its length, or -1 when it does
 * not fit. */
int access_log_format_alb(char *buf, size_t n, const struct alb_log_entry *e);

/* One NLB TLS entry's values (AWS's "Access log entries" for Network Load Balancers);
 * strings NULL: "-"; times in Unix seconds; durations in seconds (negative: "-"). */
struct nlb_log_entry {
    double time_s;               /* the connection closed */
    const char *elb;             /* net/<name>/<id> */
    const char *listener;        /* the listener's resource id */
    const char *client;          /* ip:port */
    const char *destination;     /* ip:port: the LB node's listener */
    double connection_s;         /* from creation to closure */
    double tls_handshake_s;      /* negative: not modelled, "-" */
    uint64_t received_bytes, sent_bytes;
    const char *chosen_cert_arn;
    const char *tls_cipher, *tls_protocol_version;
    const char *domain_name;     /* SNI, URL-encoded when written */
    double creation_s;           /* tls_connection_creation_time */
};

/* The NLB entry as one line (with its '\n') into buf: 22 fields, "-" where absent;
 * returns its length, or -1 when it does not fit. */
int access_log_format_nlb(char *buf, size_t n, const struct nlb_log_entry *e);

/* Unix time t as AWS's ISO 8601 with microseconds: 2026-01-01T00:00:00.000000Z (28 bytes
 * with the NUL). */
void access_log_time(double t, char *buf, size_t n);

/* The region elbsim writes: the first zone's name without its final letter when it looks
 * like an Availability Zone (us-east-1a -> us-east-1), else "us-east-1". */
void access_log_region(const struct scenario *sc, char *buf, size_t n);

struct access_log;

/* Start writing under dir (the run's output folder being written) and attach to w's env.
 * NULL after a message when the folder cannot be made. */
struct access_log *access_log_start(const char *dir, const struct scenario *sc,
                                    struct world *w, uint64_t seed);

/* Close every open file; 0, or -1 after a message (a write failed). */
int access_log_finish(struct access_log *al);

void access_log_free(struct access_log *al);

#endif

/*
 * cloudwatch_out — `output.cloudwatch: true`: the run's metrics and scaling history as the
 * AWS CLI prints them (docs/outputs.md "CloudWatch metrics and scaling activities"), under
 * cloudwatch/ in the output folder:
 *   get-metric-data.json              `aws cloudwatch get-metric-data`'s response: one
 *                                     MetricDataResult per metric, newest first
 *   metric-data-queries.json          the MetricDataQueries that ask for it (namespace,
 *                                     metric name, dimensions, period, statistic)
 *   describe-scaling-activities.json  `aws autoscaling describe-scaling-activities`'s
 *                                     response, built from the groups' activity rows
 * Namespaces: AWS/ApplicationELB, AWS/NetworkELB, AWS/GatewayELB, AWS/ELB, AWS/EC2,
 * AWS/AutoScaling, AWS/ECS, ECS/ContainerInsights and, for EKS, ContainerInsights; the
 * ALB's TargetResponseTime also as p50, p90, p99 and tm99 (CloudWatch's extended
 * statistics), from a per-period histogram of the response times (sim/histogram.h).
 * The period is the run's output.interval; one data point per interval, stamped with the
 * interval's start (simulated time + `start`).  Load balancer metrics are left out of
 * intervals without traffic, as ELB publishes only while traffic flows.
 *
 * Attached only when asked for (the LB response hook, chained after the access logs'):
 * a run without it pays nothing.  Memory: one double per metric per interval, and a
 * histogram (about 190 KB) per ALB and per group behind one.
 */
#ifndef ELBSIM_SIM_CLI_CLOUDWATCH_OUT_H
#define ELBSIM_SIM_CLI_CLOUDWATCH_OUT_H

#include <stddef.h>
#include <stdint.h>

struct world;
struct scenario;
struct cw_out;

/* Start collecting for w (borrowed, as sc).  Never NULL. */
struct cw_out *cw_out_start(const struct scenario *sc, struct world *w, uint64_t seed);

/* The interval k (from 0) ends at now, dt long: take its data points. */
void cw_out_interval(struct cw_out *c, size_t k, double now, double dt);

/* An events.csv row: the scaling rows become activities. */
void cw_out_event(struct cw_out *c, double t, const char *kind, const char *name,
                  const char *detail);

/* Write the three files under dir/cloudwatch (dir: the output folder being written);
 * 0, or -1 after a message. */
int cw_out_finish(struct cw_out *c, const char *dir);

void cw_out_free(struct cw_out *c);

#endif

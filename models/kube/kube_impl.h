/* Shared between kube.c (nodes, pods, scheduler) and kube_scale.c (the control loops):
 * not part of the module's interface (models/kube/kube.h). */
#ifndef ELBSIM_MODELS_KUBE_IMPL_H
#define ELBSIM_MODELS_KUBE_IMPL_H

#include "models/kube/kube.h"

#define KUBE_EPS 1e-9
#define KUBE_GATE_POLL_S 1.0 /* s: how often a readiness gate looks at target health */
#define KUBE_KARP_TICK_S 1.0 /* s: Karpenter looks at pending pods (its batch resolution) */
#define KUBE_KARP_DISRUPT_S 10.0 /* s: Karpenter's disruption loop (docs/eks.md) */

double kube_alloc_cpu(const struct catalog_instance *ci, double frac);
double kube_alloc_mem(const struct catalog_instance *ci, int max_pods);
int kube_eks_max_pods(const struct catalog_instance *ci);
double kube_now(const struct kube_cluster *k);
void kube_log(struct kube_cluster *k, const char *kind, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int kube_zone_at(const struct kube_cluster *k, const int *zones, int nzones, int i);
int kube_nzones_of(const struct kube_cluster *k, const int *zones, int nzones);
double kube_probe_ready_at(const struct kube_probe *pr, double started, double app_up);

struct kube_node *kube_node_new(struct kube_cluster *k, int group,
                                const struct catalog_instance *ci, int zone, bool at_start);
void kube_node_terminate(struct kube_cluster *k, uint32_t i);
void kube_node_drain(struct kube_cluster *k, uint32_t i);
int kube_group_zone(const struct kube_cluster *k, int g);
int kube_group_size(const struct kube_cluster *k, int g);
void kube_after_release(struct kube_cluster *k, int i);

struct kube_pod *kube_pod_new(struct kube_cluster *k, int d);
void kube_pod_delete(struct kube_cluster *k, struct kube_pod *p, const char *why);
int kube_pick_node(const struct kube_cluster *k, int d);
void kube_schedule_pending(struct kube_cluster *k);
void kube_reconcile(struct kube_cluster *k, int d);

/* kube_scale.c: schedule the HPA, metrics-server and node autoscaler loops. */
void kube_loops_start(struct kube_cluster *k);
/* A node became Ready (Karpenter: a replacement lets the node it replaces go). */
void kube_node_became_ready(struct kube_cluster *k, uint32_t i);

/* kube_proxy.c: target type instance. */
bool kube_any_instance(const struct kube_cluster *k);
void kube_proxy_register(struct kube_cluster *k, uint32_t i);
void kube_proxy_deregister(struct kube_cluster *k, uint32_t i);
void kube_endpoint_add(struct kube_cluster *k, uint32_t j);
void kube_endpoint_remove(struct kube_cluster *k, uint32_t j);
void kube_proxy_free(struct kube_node *nd, int ndeps);

#endif

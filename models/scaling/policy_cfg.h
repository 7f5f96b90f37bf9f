/*
 * policy_cfg — what reading an owner's `policies:` needs beyond scaling_policy_read, for
 * Auto Scaling groups and ECS services alike: a predictive policy's history file, read at
 * load time so a bad file is a load-time error, and the check that a policy on a target
 * group's metric has a group to read it from.
 */
#ifndef ELBSIM_MODELS_POLICY_CFG_H
#define ELBSIM_MODELS_POLICY_CFG_H

#include "models/scaling/scaling.h"

struct cfg_read;

/* Read p's history file (relative to the scenario's folder) into p->history, and check it
 * is long enough for p's forecast method unless p waits for the run's own history.  owner
 * names the group or service in messages.  Returns 0, or -1 after one reported error. */
int policy_cfg_history_read(struct cfg_read *r, const char *owner, struct scaling_policy *p);

/* With no target group (ntgs == 0), every policy of pol[0..n) that scales on a target
 * group's requests or responses is an error.  Returns 0, or -1 after reporting them. */
int policy_cfg_check_groups(struct cfg_read *r, const struct scaling_policy *pol, int n,
                            int ntgs, const char *owner);

#endif

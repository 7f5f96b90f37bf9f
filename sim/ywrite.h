/*
 * ywrite — values written back as YAML that sim/yread reads again to the same value.
 *
 * The resolved scenario.yaml of a run is written block by block, each by the component
 * that reads it; these are the value writers they share, so a string, a duration or a
 * distribution looks the same in every block.
 */
#ifndef ELBSIM_SIM_YWRITE_H
#define ELBSIM_SIM_YWRITE_H

#include <stdio.h>

#include "sim/units.h"

struct sim_dist;

/* s in double quotes, '"' and '\' escaped: never misread as a number, list or null. */
void ywrite_quoted(FILE *f, const char *s);

/* A distribution's text (sim_dist_format), quoted. */
void ywrite_dist(FILE *f, const struct sim_dist *d);

/* v in the unit that gives the shortest text reading back exactly (sim_units_format):
 * "40ms", "1m", "1GB". */
void ywrite_unit(FILE *f, double v, enum sim_unit u);

#endif

#!/usr/bin/env python3
"""Write a SYNTHETIC day of per-minute ALB RequestCount in the exact JSON shape that
`aws cloudwatch get-metric-data` prints (MetricDataResults[].{Id, Label, Timestamps[],
Values[], StatusCode}, newest first as with the default ScanBy TimestampDescending).

Formula (no randomness, so the file is reproducible): per-minute count at minute m of the day
    round(60 * 40 * (1 + 0.6 * cos(2*pi*(m - 14*60) / 1440)))
i.e. a mean of 40 requests/s peaking at 14:00 UTC at 64/s, lowest 16/s at 02:00 UTC.
Not measured from any real system.

Usage: tools/make_cloudwatch_sample.py > scenarios/examples/data/requests_day.json
"""
import datetime
import json
import math
import sys

start = datetime.datetime(2026, 3, 2, tzinfo=datetime.timezone.utc)
ts, vs = [], []
for m in range(1440):
    t = start + datetime.timedelta(minutes=m)
    ts.append(t.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    vs.append(float(round(60 * 40 * (1 + 0.6 * math.cos(2 * math.pi * (m - 840) / 1440)))))
ts.reverse()
vs.reverse()
doc = {"MetricDataResults": [{"Id": "requests", "Label": "RequestCount", "Timestamps": ts,
                              "Values": vs, "StatusCode": "Complete"}],
       "Messages": []}
json.dump(doc, sys.stdout, indent=4)
sys.stdout.write("\n")

#!/usr/bin/env python3
# Independent CVSS v3.x base scores for test_cvss: exact rational arithmetic (fractions), so the
# 3.1 Roundup is the true "smallest tenth not below"; 3.0 uses the float ceiling its calculator used.
# Reads "VECTOR SCORE_TENTHS" lines from the file in argv[1]; prints disagreements, exits 1 on any.
import math
import sys
from fractions import Fraction as F

AV = {"N": F("0.85"), "A": F("0.62"), "L": F("0.55"), "P": F("0.2")}
AC = {"L": F("0.77"), "H": F("0.44")}
PR_U = {"N": F("0.85"), "L": F("0.62"), "H": F("0.27")}
PR_C = {"N": F("0.85"), "L": F("0.68"), "H": F("0.5")}
UI = {"N": F("0.85"), "R": F("0.62")}
CIA = {"H": F("0.56"), "L": F("0.22"), "N": F(0)}


def score(vector):
    version, *parts = vector.split("/")
    m = dict(p.split(":") for p in parts)
    changed = m["S"] == "C"
    iss = 1 - (1 - CIA[m["C"]]) * (1 - CIA[m["I"]]) * (1 - CIA[m["A"]])
    if changed:
        impact = F("7.52") * (iss - F("0.029")) - F("3.25") * (iss - F("0.02")) ** 15
    else:
        impact = F("6.42") * iss
    pr = (PR_C if changed else PR_U)[m["PR"]]
    exploitability = F("8.22") * AV[m["AV"]] * AC[m["AC"]] * pr * UI[m["UI"]]
    if impact <= 0:
        return 0
    total = min((F("1.08") if changed else 1) * (impact + exploitability), F(10))
    if version == "CVSS:3.0":
        return math.ceil(float(total) * 10)
    return math.ceil(total * 10)


bad = 0
count = 0
with open(sys.argv[1]) as lines:
    for line in lines:
        vector, ours = line.split()
        count += 1
        expected = score(vector)
        if expected != int(ours):
            bad += 1
            print(f"{vector}: expected {expected / 10:.1f}, got {int(ours) / 10:.1f}")
print(f"{count - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)

# ruff: noqa: E402, B007
"""Cold (first viewer after a write) CPU of the country page at the benchmark's density (issue #14, ADR 1010):
`nice -n 19 .venv/bin/python bench/prof_country.py` from the repo root; PROF_URL=/api/v1/countries/{iso3}/summary
for the API, PROF_SORT=tottime, PROF_N=rows of the profile."""

import cProfile
import os
import pstats
import sys
import tempfile
import time

os.environ["SECASSIST_VAR_DIR"] = tempfile.mkdtemp()
os.environ["SECASSIST_SQLITE_PATH"] = os.environ["SECASSIST_VAR_DIR"] + "/b.sqlite3"
sys.argv = ["x"]
sys.path.insert(0, "bench")
sys.path.insert(0, ".")
from pathlib import Path

import scale

scale.YEARS[:] = list(range(1998, 2028))
user = scale.setup_db()
for n in ("congress.obligation_gate", "restrictions.check"):
    scale.registry.services.pop(n, None)
from secassist.reference.models import Country

countries = sorted(Country.objects.values_list("iso3", flat=True))[:20]
scale.make_lines(user, countries, scale.YEARS)
print(scale.populate_breadth(user, countries, 0.1))
work = Path(os.environ["SECASSIST_VAR_DIR"])
a = work / "a.csv"
scale.write_ledger(a, 200000, countries, scale.YEARS, 0)
scale.import_file(a)
from django.test import Client

from secassist.audit import statecache

c = Client()
c.force_login(user)
url = os.environ.get("PROF_URL", "/countries/{iso3}/").format(iso3=countries[0])
c.get(url)
from django.db import connection
from django.test.utils import CaptureQueriesContext

times = []
for i in range(5):
    with statecache.live():
        t = time.process_time()
        r = c.get(url)
        times.append(time.process_time() - t)
print("cold cpu ms", [round(x * 1000) for x in times])
with statecache.live(), CaptureQueriesContext(connection) as q:
    c.get(url)
print("queries", len(q.captured_queries))
pr = cProfile.Profile()
with statecache.live():
    pr.enable()
    c.get(url)
    pr.disable()
st = pstats.Stats(pr)
st.sort_stats(os.environ.get("PROF_SORT", "cumtime")).print_stats(int(os.environ.get("PROF_N", "45")))

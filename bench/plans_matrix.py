"""Plans benchmark: importing a large office comment matrix (XLSX, every row validated, one
transaction), merging duplicates over it, and exporting the consolidated matrix and memo.

    .venv/bin/python bench/plans_matrix.py [--rows 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plans_bench .venv/bin/python bench/plans_matrix.py

It builds its own database (SQLite in a temporary SECASSIST_VAR_DIR, or the DATABASE_URL
database), so never point it at a database you care about. Rows go through the same service
(PLN-001 marking check, numbering under a row lock, audit event per comment) as an upload.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("SECASSIST_VAR_DIR", tempfile.mkdtemp(prefix="plans-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from secassist.core import clock  # noqa: E402
from secassist.core.calendar import add_business_days  # noqa: E402
from secassist.plans import documents, services, workflow  # noqa: E402

HEADER = ["#", "Office", "Page", "Paragraph", "Line", "Type", "Comment", "Rationale", "Proposed change"]
TYPES = ["Critical", "Substantive", "Administrative"]


def matrix(tasker_id: int, rows: int) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Tasker ID", tasker_id])
    ws.append(HEADER)
    for n in range(rows):
        office = ("AF", "DRL", "NEA")[n % 3]
        # every 10th row (n % 10 == 8) repeats an earlier location and text from another office: a duplicate to merge
        base = n - n % 10 if n % 10 == 8 else n
        ws.append(
            [
                None,
                office,
                base // 3 + 1,
                f"{base % 7}.a",
                base % 40,
                TYPES[n % 3],
                f"Comment {base}: align the objective with the Integrated Country Strategy.",
                "Rationale.",
                "Change.",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    args, _ = parser.parse_known_args()
    from django.contrib.auth import get_user_model

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="plans-bench", defaults={"role": "dsp_analyst"})
    today = clock.today()
    product = services.create_product(
        acting_user=user,
        product_type="tcp",
        owner_kind="ccmd",
        owner_ccmd="AFRICOM",
        title=f"Bench plan {time.time()}",
        classification="SECRET",
        classified_text_location="SIPRNet",
    )
    tasker = services.create_tasker(
        acting_user=user,
        product=product,
        received_on=today,
        due_on=add_business_days(today, 20),
        office_due_on=add_business_days(today, 10),
        state_lead=user.pk,
        offices=["AF", "DRL", "NEA"],
    )
    workflow.transition(acting_user=user, tasker=tasker, action="task")
    source = matrix(tasker.pk, args.rows)
    t0 = time.perf_counter()
    summary = documents.import_matrix(acting_user=user, source=source)
    t_import = time.perf_counter() - t0
    workflow.transition(acting_user=user, tasker=tasker, action="call_for_comments")
    t0 = time.perf_counter()
    merged = services.merge_duplicates(acting_user=user, tasker=tasker)
    t_merge = time.perf_counter() - t0
    t0 = time.perf_counter()
    xlsx = documents.matrix_bytes(tasker)
    docx = documents.memo_bytes(tasker)
    t_export = time.perf_counter() - t0
    print(f"import {summary['added']} rows: {t_import:.2f}s ({summary['added'] / t_import:.0f} rows/s)")
    print(f"merge duplicates: {sum(len(m) for _, m in merged)} merged in {len(merged)} groups, {t_merge:.2f}s")
    print(f"export matrix ({len(xlsx) // 1024} KiB) + memo ({len(docx) // 1024} KiB): {t_export:.2f}s")


if __name__ == "__main__":
    main()

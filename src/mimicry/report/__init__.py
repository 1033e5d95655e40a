"""Reports: one session's ``report.html``, and many sessions pooled (``mimicry aggregate``).

Qt-free. Nothing heavy at import: matplotlib (Agg) and scipy are imported
inside the functions that draw and test.

Modules
-------
curves
    Trial-averaged response curves per condition (mean and 95% CI), shared
    with the app's results screen.
quality
    Data quality of a session: face found, dropped frames, head-pose spread.
plots
    The figures (matplotlib, Agg backend), as PNG bytes.
page
    The self-contained HTML page (inline CSS, images as data URIs).
session_report
    :func:`write_session_report`: ``report.html`` for one session.
aggregate
    :func:`aggregate_sessions`: one row per session, group statistics, the
    class report.
"""

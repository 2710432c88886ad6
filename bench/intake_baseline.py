#!/usr/bin/env python3
"""The baseline for bench/intake.sh: a straightforward Python abuse-report intake.

For each report file: parse it with the standard library's `email` package, find the
feedback-report fields and the attached message, take its Message-ID, From, Subject and the
IP in its first Received line, and insert one row into SQLite with `sqlite3`, committing per
report (WAL, synchronous=FULL: durable, like senderdesk). Prints reports/s.

Usage: intake_baseline.py DB REPORTS_DIR
"""
import email
import email.policy
import os
import re
import sqlite3
import sys
import time

IP = re.compile(r"\[(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]+)\]")


def extract(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    feedback_type, source_ip, inner = "abuse", None, None
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/feedback-report":
            payload = part.get_payload()
            text = payload[0].as_string() if isinstance(payload, list) else str(payload)
            for line in text.splitlines():
                key, _, value = line.partition(":")
                if key.strip().lower() == "feedback-type":
                    feedback_type = value.strip()
                elif key.strip().lower() == "source-ip":
                    source_ip = value.strip()
        elif ctype == "message/rfc822" and inner is None:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) else payload
    if inner is None:
        return feedback_type, source_ip, None, None, None
    received = inner.get_all("Received") or []
    if source_ip is None and received:
        m = IP.search(str(received[0]))
        source_ip = m.group(1) if m else None
    return feedback_type, source_ip, str(inner.get("Message-ID", "")), str(inner.get("From", "")), str(inner.get("Subject", ""))


def main():
    db, folder = sys.argv[1], sys.argv[2]
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".eml"))
    raws = [open(f, "rb").read() for f in files]
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS reports (id INTEGER PRIMARY KEY, received_at REAL, feedback_type TEXT, "
        "source_ip TEXT, message_id TEXT, sender TEXT, subject TEXT, raw BLOB)"
    )
    conn.commit()
    started = time.perf_counter()
    for raw in raws:
        row = extract(raw)
        conn.execute(
            "INSERT INTO reports (received_at, feedback_type, source_ip, message_id, sender, subject, raw) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (time.time(), *row, raw),
        )
        conn.commit()
    elapsed = time.perf_counter() - started
    print(f"reports={len(raws)}")
    print(f"elapsed_s={elapsed:.3f}")
    print(f"reports_per_s={len(raws) / elapsed:.0f}")


if __name__ == "__main__":
    main()

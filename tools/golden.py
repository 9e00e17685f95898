#!/usr/bin/env python3
"""Record the golden set: every case of Tests/AdiabatCLITests/Golden/cases.txt run through a
built `adiabat`, its exit status, stdout (parsed as JSON when it is one) and stderr stored as
NAME.json beside the case list. Tests/AdiabatCLITests/GoldenTests.swift runs the cases again
and compares (numbers to 1e-10 relative; timings ignored; a refusal must stay one error: line
with the recorded first clause, up to its first '; ' or '. ').

Usage: tools/golden.py [--binary .build/release/adiabat] [--only NAME ...]
Run from the package root. Re-record only for a deliberate, documented change of output.
"""
import argparse, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "Tests", "AdiabatCLITests", "Golden")


def cases():
    with open(os.path.join(GOLDEN, "cases.txt")) as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            name, _, args = line.partition("|")
            yield name.strip(), args.split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "adiabat"))
    ap.add_argument("--only", nargs="*")
    opts = ap.parse_args()
    for name, args in cases():
        if opts.only and name not in opts.only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            argv = [a.replace("$TMP", tmp) for a in args]
            start = time.time()
            run = subprocess.run([opts.binary] + argv, cwd=ROOT, capture_output=True, text=True)
            seconds = time.time() - start
        out = run.stdout.replace(tmp, "$TMP").replace(ROOT, "$ROOT")
        err = run.stderr.replace(tmp, "$TMP").replace(ROOT, "$ROOT")
        try:
            stdout = json.loads(out) if run.stdout.strip() else None
        except json.JSONDecodeError:
            stdout = out
        record = {"args": args, "status": run.returncode, "stdout": stdout, "stderr": err}
        with open(os.path.join(GOLDEN, name + ".json"), "w") as f:
            json.dump(record, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        print(f"{name:40s} status {run.returncode}  {seconds:6.2f} s  {run.stderr.strip()[:90]}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""How long it takes to build an agreement protocol, against bare python-docx.

    .venv/bin/python benchmarks/agreement.py

Builds a two-page agreement (two parties, twelve commitments, signature table) with
casework.agreements.document, and runs ../shared/baseline/docx_baseline.py in the same
process when it is there, then prints both and their ratio. The target: well under 100 ms.
"""
import os
import runpy
import statistics
import sys
import time
from datetime import date

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from casework.agreements.document import AgreementData, PartyBlock, build  # noqa: E402

ROUNDS = 30


def sample():
    return AgreementData(
        organisation_name="Association de médiation sociale",
        organisation_address="10 rue de la République, 69001 Lyon",
        organisation_phone="04 78 00 00 00", reference="2026-0042", language="fr",
        meeting_date=date(2026, 3, 3), meeting_place="Centre social Mermoz — salle 2",
        subject="du bruit et de l’usage des parties communes",
        account="Les parties font état de bruits le soir et de vélos dans le hall.",
        parties=[PartyBlock("Mme Hélène Dupont", "12 rue Garibaldi, 69008 Lyon",
                            [f"engagement numéro {n} de Mme Dupont" for n in range(1, 6)]),
                 PartyBlock("M. Karim Benali", "12 rue Garibaldi, 69008 Lyon",
                            [f"engagement numéro {n} de M. Benali" for n in range(1, 6)])],
        mediators=["Karim Haddad", "Amélie Girard"],
        joint_commitments=["se saluer", "se parler d'abord avant de se plaindre à un tiers"],
        follow_up_on=date(2026, 4, 3))


def measure(function):
    function()  # warm up: templates and fonts read once per process
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main():
    data = sample()
    median, worst = measure(lambda: build(data))
    print(f"casework agreement: median {median:.1f} ms, worst {worst:.1f} ms "
          f"over {ROUNDS} builds")
    baseline = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "baseline",
                            "docx_baseline.py")
    if os.path.exists(baseline):
        import copy

        import docx

        module = runpy.run_path(baseline, run_name="docx_baseline")
        cold, _ = measure(lambda: module["build"](docx.Document()))
        parsed = docx.Document()
        warm, _ = measure(lambda: module["build"](copy.deepcopy(parsed)))
        print(f"bare python-docx:   median {cold:.1f} ms cold, {warm:.1f} ms warm")
        print(f"ratio casework / bare: {median / cold:.2f} (cold), {median / warm:.2f} (warm)")


if __name__ == "__main__":
    main()

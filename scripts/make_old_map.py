"""Writes portal/data/vn_divisions_2024.json: the map before 1 July 2025.

The project installs vietnam-provinces 2025.x (the current map); 0.6.0, which holds the old
map (63 provinces, 696 districts), cannot be installed beside it (DOMAIN.md §6). This script
downloads the 0.6.0 wheel from PyPI, reads its data file without installing it, and finds
each old province's successor from the data itself: every new commune reuses the code of one
of the old communes it was formed from, so the current province holding most of an old
province's commune codes is the one that took it in. No unit is typed by hand.

Run it with the project's environment active:  python scripts/make_old_map.py
"""
import collections
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import vietnam_provinces

OLD_VERSION = "0.6.0"
OUT = Path(__file__).resolve().parent.parent / "portal" / "data" / "vn_divisions_2024.json"


def read_old_map():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             f"vietnam-provinces=={OLD_VERSION}", "-d", tmp],
            check=True,
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            nested = json.loads(zf.read("vietnam_provinces/data/nested-divisions.json"))
            init = zf.read("vietnam_provinces/__init__.py").decode()
    data_version = next(line.split("=")[1].strip().strip("'\"") for line in init.splitlines()
                        if line.startswith("__data_version__"))
    return nested, data_version


def main():
    old, data_version = read_old_map()
    new = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text())
    commune_to_province = {w["code"]: p["code"] for p in new for w in p["wards"]}
    provinces = []
    for p in old:
        votes = collections.Counter(
            commune_to_province[w["code"]]
            for d in p["districts"] for w in d["wards"] if w["code"] in commune_to_province
        )
        successor, _ = votes.most_common(1)[0]
        provinces.append({
            "code": f"{p['code']:02d}",
            "name": p["name"],
            "division_type": p["division_type"],
            "successor": f"{successor:02d}",
            "districts": [
                {"code": f"{d['code']:03d}", "name": d["name"], "division_type": d["division_type"]}
                for d in p["districts"]
            ],
        })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "source": f"vietnam-provinces {OLD_VERSION} (data {data_version}); successors derived "
                  f"from vietnam-provinces {vietnam_provinces.__version__} by scripts/make_old_map.py",
        "valid_to": "2025-06-30",
        "provinces": provinces,
    }, ensure_ascii=False, indent=1) + "\n")
    print(f"{OUT}: {len(provinces)} provinces, {sum(len(p['districts']) for p in provinces)} districts")


if __name__ == "__main__":
    main()

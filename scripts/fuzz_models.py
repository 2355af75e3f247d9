"""Fuzz glassnet's model-file reader with thousands of hostile files.

A model file is something people download, so ``glassnet.load`` must survive
anything: a flipped bit, a truncated download, a file that lies about what it holds,
a "zip bomb", a Python pickle that would run code when opened. This script starts
from one good model (64-32-10) and makes ``--cases`` mutated copies of it, each by
one of the mutations below, then loads every one and checks the four promises:

1. nothing but ``ModelFormatError`` is ever raised;
2. no file ever loads with weights other than the original ones (a file may load
   only if the mutation touched bytes that carry no meaning, such as zip timestamps);
3. no code is ever executed: the pickle payloads would create a marker file when
   unpickled (checked once on purpose, on a control path), and the marker must never
   appear;
4. memory stays bounded: the peak resident memory of this process (``getrusage``)
   may not grow by more than ``--max-rss-growth-mb``, because members that declare
   huge sizes are refused before they are read.

Mutations: ``bit_flips``, ``truncate``, ``insert``, ``overwrite`` (random bytes),
``lying_meta`` (valid JSON with wrong sizes, dtypes, classes, names, versions...),
``lying_header`` (an array's ``.npy`` header disagreeing with the metadata),
``huge_size`` (a member whose zip entry declares gigabytes), ``zip_bomb`` (a real
deflated member that would inflate to 200 MB), ``structure`` (members missing,
doubled, renamed, extra, encrypted, unknown compression), ``pickle`` (pickle
payloads as the whole file, as an object array, as a member) and ``json_export``
(bit flips and truncations of the readable JSON export, read by ``load_json``).

Usage::

    python scripts/fuzz_models.py                  # 10 000 cases, seed 0
    python scripts/fuzz_models.py --cases 500 --seed 1

It prints one line per mutation kind and a summary, and exits with status 1 if any
promise was broken (the failing cases are saved in ``--keep`` for inspection).
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import pickle
import re
import resource
import shutil
import struct
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

import glassnet
from glassnet.errors import ModelFormatError
from glassnet.store.modelfile import export_json, load, load_json


class Marker:
    """A pickle payload: unpickling it calls ``open(path, "w")``, creating ``path``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


# ---------------------------------------------------------------------- building blocks
def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def build_zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with (
        warnings.catch_warnings(),
        zipfile.ZipFile(buffer, "w", compression=compression) as archive,
    ):
        warnings.simplefilter("ignore")  # "Duplicate name": a doubled member is the point
        for name, content in members:
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), content,
                             compress_type=compression)
    return buffer.getvalue()


def offsets(data: bytes | bytearray, signature: bytes) -> list[int]:
    """Where ``signature`` (a zip record's first four bytes) occurs in ``data``."""
    return [match.start() for match in re.finditer(re.escape(signature), data)]


def npy_bytes(array: np.ndarray, *, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def meta_npy(meta: object) -> bytes:
    text = json.dumps(meta)
    return npy_bytes(np.array(text, dtype=f"<U{max(len(text), 1)}"))


def read_meta(members: dict[str, bytes]) -> dict:
    array = np.lib.format.read_array(io.BytesIO(members["meta.npy"]), allow_pickle=False)
    return json.loads(str(array))


# ---------------------------------------------------------------------- mutations
class Fuzzer:
    """Makes mutated copies of one good model file."""

    def __init__(self, good: bytes, json_export: bytes, marker: Path, rng: np.random.Generator):
        self.good = good
        self.exported = json_export
        self.members = members_of(good)
        self.meta = read_meta(self.members)
        self.marker = str(marker)
        self.rng = rng

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    def bit_flips(self) -> bytes:
        data = bytearray(self.good)
        for _ in range(int(self.rng.integers(1, 17))):
            data[int(self.rng.integers(len(data)))] ^= 1 << int(self.rng.integers(8))
        return bytes(data)

    def truncate(self) -> bytes:
        return self.good[: int(self.rng.integers(0, len(self.good)))]

    def insert(self) -> bytes:
        at = int(self.rng.integers(0, len(self.good) + 1))
        junk = self.rng.bytes(int(self.rng.integers(1, 65)))
        return self.good[:at] + junk + self.good[at:]

    def overwrite(self) -> bytes:
        at = int(self.rng.integers(0, len(self.good)))
        junk = self.rng.bytes(int(self.rng.integers(1, 257)))
        return (self.good[:at] + junk + self.good[at + len(junk):])[: len(self.good)]

    def lying_meta(self) -> bytes:
        meta = json.loads(json.dumps(self.meta))
        lie = self.pick([
            ("sizes", [64, 33, 10]), ("sizes", [64, 32, 10, 10]), ("sizes", [64, 10]),
            ("sizes", [64, 100000, 10]), ("sizes", [64, 2**40, 10]), ("sizes", [64, -32, 10]),
            ("sizes", [64, 32.5, 10]), ("sizes", "64-32-10"), ("sizes", []), ("sizes", [64]),
            ("sizes", [64, True, 10]), ("sizes", [64] * 500),
            ("dtype", "float32"), ("dtype", "int64"), ("dtype", "object"), ("dtype", "<f8"),
            ("dtype", None), ("classes", list(range(11))), ("classes", [0] * 10),
            ("classes", [[1]] * 10), ("classes", [1.5] * 10), ("classes", None),
            ("classes", ["x" * 100_000] * 10), ("classes", [2**70 + i for i in range(10)]),
            ("activation", "evil"), ("activation", "softmax"), ("output", "__import__"),
            ("activation", ["relu"]), ("format", "glassnet-modle"), ("format_version", 99),
            ("format_version", 0), ("format_version", "1"), ("sha256", "0" * 64),
            ("sha256", "A" * 64), ("sha256", 42), ("input", {"shape": [9, 9], "scaling": None}),
            ("input", None), ("training", [1, 2]), ("training", {"deep": [[[[[[1]]]]]]}),
            ("glassnet_version", "x" * 5000), ("extra_key", 1), ("delete", "classes"),
            ("delete", "sha256"), ("whole", [1, 2, 3]), ("whole", "text"), ("whole", None),
            ("nesting", None),
        ])
        key, value = lie
        members = dict(self.members)
        if key == "nesting":  # JSON nested deeper than Python's parser can recurse
            text = json.dumps(self.meta)[:-1] + ', "training": ' + "[" * 50_000 + "]" * 50_000 + "}"
            members["meta.npy"] = npy_bytes(np.array(text, dtype=f"<U{len(text)}"))
            return build_zip(list(members.items()))
        if key == "delete":
            del meta[value]
        elif key == "whole":
            meta = value
        else:
            meta[key] = value
        members["meta.npy"] = meta_npy(meta)
        return build_zip(list(members.items()))

    def lying_header(self) -> bytes:
        members = dict(self.members)
        name = self.pick([name for name in members if name != "meta.npy"])
        original = np.lib.format.read_array(io.BytesIO(members[name]))
        replacement = self.pick([
            lambda a: a.astype("<f4"), lambda a: a.astype(">f8"), lambda a: a.astype("<i8"),
            lambda a: np.asfortranarray(a.reshape(a.shape[0], -1)) if a.ndim == 2 else a.T,
            lambda a: a.reshape(-1), lambda a: a[:-1], lambda a: np.concatenate([a, a]),
            lambda a: a.astype(complex), lambda a: np.array(str(a.sum())),
            lambda a: a.view([("x", "<f8")]) if a.dtype == np.float64 else a,
        ])(original)
        members[name] = npy_bytes(np.asarray(replacement))
        if self.rng.random() < 0.5:  # a header that lies about a body it does not have
            header_end = members[name].index(b"\n") + 1
            members[name] = members[name][:header_end] + members[name][header_end:][:8]
        return build_zip(list(members.items()))

    def huge_size(self) -> bytes:
        """Patch one member's declared (uncompressed) size in the zip directories."""
        data = bytearray(self.good)
        size = self.pick([0xFFFFFFFE, 0x7FFFFFFF, 2**31 + 12345, 10**9, 600 * 2**20, 0])
        for start in offsets(data, b"PK\x01\x02") + offsets(data, b"PK\x03\x04"):
            if data[start:start + 4] == b"PK\x01\x02" and self.rng.random() < 0.8:
                struct.pack_into("<I", data, start + 24, size)  # central directory
            elif data[start:start + 4] == b"PK\x03\x04" and self.rng.random() < 0.5:
                struct.pack_into("<I", data, start + 22, size)  # local header
        return bytes(data)

    @functools.cached_property
    def bomb(self) -> bytes:
        """A W0.npy member that would inflate to 200 MB of zeros, deflated to ~200 kB."""
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": (64, 409_600)})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.members.items():
                if name != "W0.npy":
                    archive.writestr(name, content)
            with archive.open("W0.npy", "w", force_zip64=True) as member:
                member.write(header.getvalue())
                zeros = bytes(1 << 20)
                for _ in range(200):
                    member.write(zeros)
        return buffer.getvalue()

    def zip_bomb(self) -> bytes:
        if self.rng.random() < 0.5:
            return self.bomb
        data = bytearray(self.bomb)  # and with the bomb's declared size hidden
        for start in offsets(data, b"PK\x01\x02"):
            if self.rng.random() < 0.5:
                struct.pack_into("<I", data, start + 24, int(self.rng.integers(1, 5000)))
        return bytes(data)

    def structure(self) -> bytes:
        members = list(self.members.items())
        change = self.pick(["drop", "double", "rename", "extra", "directory", "encrypted",
                            "bzip2", "lzma", "nested", "empty", "reorder", "gap", "many"])
        if change == "drop":
            del members[int(self.rng.integers(len(members)))]
        elif change == "double":
            members.append(members[int(self.rng.integers(len(members)))])
        elif change == "rename":
            index = int(self.rng.integers(len(members)))
            members[index] = (self.pick(["W9.npy", "../W0.npy", "/etc/passwd", "meta", "W0.NPY",
                                         "b0.npy.exe", "W00.npy", "W-1.npy"]), members[index][1])
        elif change == "extra":
            members.append(("evil.py", b"import os; os.system('touch pwned')"))
        elif change == "directory":
            members.append(("W2.npy/", b""))
        elif change == "nested":
            members = [("meta.npy", self.good)] + members[1:]
        elif change == "empty":
            members = []
        elif change == "reorder":
            members = members[::-1]
        elif change == "gap":
            members.append(("W5.npy", members[1][1]))
        elif change == "many":
            members += [(f"x{i}.npy", b"") for i in range(3000)]
        if change in ("bzip2", "lzma"):
            method = zipfile.ZIP_BZIP2 if change == "bzip2" else zipfile.ZIP_LZMA
            return build_zip(members, compression=method)
        data = bytearray(build_zip(members))
        if change == "encrypted":
            for start in offsets(data, b"PK\x01\x02"):
                data[start + 8] |= 0x1
        return bytes(data)

    def pickle(self) -> bytes:
        payload = Marker(self.marker)
        where = self.pick(["file", "weights", "meta", "member", "npz-pickle"])
        if where == "file":
            return pickle.dumps(payload)
        members = dict(self.members)
        if where == "weights":
            members["W0.npy"] = npy_bytes(np.array([payload], dtype=object), allow_pickle=True)
        elif where == "meta":
            members["meta.npy"] = npy_bytes(np.array(payload, dtype=object), allow_pickle=True)
        elif where == "member":
            members["b0.npy"] = pickle.dumps(payload)
        else:
            members = {"meta.npy": npy_bytes(np.array({"evil": payload}, dtype=object),
                                             allow_pickle=True)}
        return build_zip(list(members.items()))

    def json_export(self) -> bytes:
        data = bytearray(self.exported)
        if self.rng.random() < 0.3:
            return bytes(data[: int(self.rng.integers(0, len(data)))])
        for _ in range(int(self.rng.integers(1, 9))):
            data[int(self.rng.integers(len(data)))] = int(self.rng.integers(256))
        return bytes(data)


KINDS = ["bit_flips", "truncate", "insert", "overwrite", "lying_meta", "lying_header",
         "huge_size", "zip_bomb", "structure", "pickle", "json_export"]


# ---------------------------------------------------------------------- running
def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux reports kB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def same_bits(first, second) -> bool:
    return all(a.dtype == b.dtype and a.tobytes() == b.tobytes()
               for a, b in zip(first, second, strict=True)) and len(first) == len(second)


def check_payload_works(folder: Path) -> None:
    """Prove the pickle payload is live: unpickling it on purpose creates its marker."""
    control = folder / "control-marker"
    pickle.loads(pickle.dumps(Marker(str(control))))  # noqa: S301 - on purpose, our own bytes
    if not control.exists():
        raise SystemExit("the pickle payload does not work, so the no-code check means nothing")
    control.unlink()


def fuzz(cases: int, seed: int, keep: Path | None, max_rss_growth_mb: float,
         report: Callable[[str], None] = print) -> bool:
    """Run the fuzzer; return True if every promise held."""
    folder = Path(tempfile.mkdtemp(prefix="glassnet-fuzz-"))
    try:
        good_path, json_path = folder / "good.npz", folder / "good.json"
        network = glassnet.Network([64, 32, 10], seed=0)
        glassnet.save(network, good_path, training={"note": "the original"})
        export_json(network, json_path)
        original = [array.copy() for array in network.parameters()]
        marker = folder / "pwned"
        check_payload_works(folder)
        fuzzer = Fuzzer(good_path.read_bytes(), json_path.read_bytes(), marker,
                        np.random.default_rng(seed))
        for _ in range(20):  # warm up imports and caches before the memory baseline
            load(good_path)
        baseline = peak_rss_mb()

        outcomes: dict[str, Counter] = defaultdict(Counter)
        failures: list[tuple[str, int, str]] = []
        started = time.perf_counter()
        for case in range(cases):
            kind = KINDS[case % len(KINDS)]
            data = getattr(fuzzer, kind)()
            path = folder / ("case.json" if kind == "json_export" else "case.npz")
            path.write_bytes(data)
            reader = load_json if kind == "json_export" else load
            try:
                loaded = reader(path)
            except ModelFormatError:
                outcomes[kind]["refused (ModelFormatError)"] += 1
            except BaseException as error:  # noqa: BLE001 - exactly what we are looking for
                outcomes[kind][f"BROKEN: {type(error).__name__}"] += 1
                failures.append((kind, case, f"{type(error).__name__}: {error}"[:300]))
            else:
                if same_bits(loaded.parameters(), original):
                    outcomes[kind]["loaded, same weights"] += 1
                else:
                    outcomes[kind]["BROKEN: loaded different weights"] += 1
                    failures.append((kind, case, "loaded different weights"))
            if marker.exists():
                outcomes[kind]["BROKEN: code executed"] += 1
                failures.append((kind, case, "the pickle payload ran"))
                marker.unlink()
            if failures and failures[-1][1] == case and keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, keep / f"{case}-{kind}{path.suffix}")
        seconds = time.perf_counter() - started
        growth = peak_rss_mb() - baseline

        report(f"glassnet model-file fuzzer: {cases:,} cases, seed {seed}, "
               f"{seconds:.1f} s ({1000 * seconds / max(cases, 1):.2f} ms a case)")
        report(f"{'mutation':<14}{'cases':>7}  outcomes")
        totals: Counter = Counter()
        for kind in KINDS:
            counts = outcomes[kind]
            totals.update(counts)
            text = ", ".join(f"{label}: {count}" for label, count in sorted(counts.items()))
            report(f"{kind:<14}{sum(counts.values()):>7}  {text}")
        report(f"{'total':<14}{sum(totals.values()):>7}  "
               + ", ".join(f"{label}: {count}" for label, count in sorted(totals.items())))
        report(f"exceptions other than ModelFormatError: "
               f"{sum(c for label, c in totals.items() if label.startswith('BROKEN: ') and label[8:] not in ('loaded different weights', 'code executed'))}")  # noqa: E501
        report(f"files loaded with different weights: {totals['BROKEN: loaded different weights']}")
        report(f"code executed (marker file created): {totals['BROKEN: code executed']}")
        report(f"peak RSS: {peak_rss_mb():.1f} MB (baseline {baseline:.1f} MB, growth "
               f"{growth:.1f} MB; limit {max_rss_growth_mb:g} MB; the zip bomb would inflate "
               "to 200 MB)")
        ok = not failures and growth <= max_rss_growth_mb
        for kind, case, what in failures[:20]:
            report(f"  case {case} ({kind}): {what}")
        report("RESULT: " + ("every promise held" if ok else "BROKEN"))
        return ok
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None,
                        help="Folder to keep the files that broke a promise.")
    parser.add_argument("--max-rss-growth-mb", type=float, default=100.0)
    arguments = parser.parse_args(argv)
    ok = fuzz(arguments.cases, arguments.seed, arguments.keep, arguments.max_rss_growth_mb)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

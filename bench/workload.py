"""Realistic complaint filings: Indonesian titles and descriptions, channels, kinds, and
a complainant on most of them, drawn from a seeded generator so every run files the same mix.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import orjson

BENCH_UNIT_ID = "disdukcapil-bench"
BENCH_UNIT_NAME = "Dinas Kependudukan dan Pencatatan Sipil (benchmark)"

SUBJECTS = (
    ("KTP-el belum dicetak", "administrasi-kependudukan"),
    ("Kartu Keluarga salah nama", "administrasi-kependudukan"),
    ("Akta kelahiran tertunda", "administrasi-kependudukan"),
    ("Jalan berlubang di depan sekolah", "infrastruktur"),
    ("Lampu penerangan jalan mati", "infrastruktur"),
    ("Sampah tidak diangkut", "lingkungan-hidup"),
    ("Air PDAM keruh", "air-bersih"),
    ("Antrean puskesmas terlalu lama", "kesehatan"),
    ("Klaim BPJS ditolak tanpa alasan", "kesehatan"),
    ("Bantuan sosial tidak tepat sasaran", "sosial"),
    ("Pungutan liar pengurusan izin", "perizinan"),
    ("Izin usaha tidak kunjung terbit", "perizinan"),
    ("Guru sering tidak hadir", "pendidikan"),
    ("Banjir akibat saluran tersumbat", "lingkungan-hidup"),
)
PLACES = (
    "Kelurahan Cempaka Putih", "Kecamatan Tebet", "Desa Sukamaju", "Kelurahan Pasar Minggu",
    "Kecamatan Lowokwaru", "Desa Tanjung Sari", "Kelurahan Banjarsari", "Kecamatan Ilir Timur",
)  # fmt: skip
DETAILS = (
    "Sudah {weeks} minggu saya menunggu tanpa kabar dari petugas.",
    "Saya sudah datang ke kantor pelayanan {visits} kali dan selalu diminta kembali besok.",
    "Petugas di loket mengatakan sistem sedang gangguan, tetapi tidak ada kepastian waktu.",
    "Warga sekitar juga mengalami hal yang sama dan sudah melapor ke RT/RW.",
    "Mohon ditindaklanjuti karena sangat mengganggu kegiatan sehari-hari.",
    "Saya diminta membayar biaya tambahan yang tidak ada dasar aturannya.",
)
GIVEN_NAMES = ("Siti", "Budi", "Dewi", "Agus", "Rina", "Joko", "Ayu", "Hendra", "Wulan", "Rudi")
FAMILY_NAMES = ("Aminah", "Santoso", "Lestari", "Prasetyo", "Wijaya", "Hidayat", "Saputra")
CHANNELS = ("web", "web", "web", "mobile", "mobile", "sms", "email", "phone", "walk_in")
KINDS = ("pengaduan", "pengaduan", "pengaduan", "aspirasi", "permintaan_informasi")
TODAY = date(2026, 11, 23)


def complaint_bodies(count: int, seed: int = 2009) -> list[bytes]:
    """``count`` distinct JSON bodies for ``POST /v1/complaints``."""
    rng = random.Random(seed)
    return [orjson.dumps(_filing(rng)) for _ in range(count)]


def _filing(rng: random.Random) -> dict[str, Any]:
    subject, category = rng.choice(SUBJECTS)
    place = rng.choice(PLACES)
    filing: dict[str, Any] = {
        "unit_id": BENCH_UNIT_ID,
        "title": f"{subject} di {place}",
        "description": _description(rng, subject, place),
        "channel": rng.choice(CHANNELS),
        "kind": rng.choice(KINDS),
        "category": category,
    }
    if rng.random() < 0.6:
        filing["incident_date"] = (TODAY - timedelta(days=rng.randint(1, 90))).isoformat()
    if rng.random() < 0.4:
        filing["location"] = {"address": f"Jl. Merdeka No. {rng.randint(1, 250)}, {place}"}
    if rng.random() < 0.8:
        filing["complainant"] = _complainant(rng)
        filing["anonymous"] = rng.random() < 0.1
    filing["confidential"] = rng.random() < 0.05
    return filing


def _description(rng: random.Random, subject: str, place: str) -> str:
    details = rng.sample(DETAILS, k=rng.randint(2, 4))
    text = " ".join(details).format(weeks=rng.randint(2, 12), visits=rng.randint(2, 6))
    return f"{subject} di {place}. {text}"


def _complainant(rng: random.Random) -> dict[str, str]:
    name = f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"
    person = {"name": name, "phone": f"08{rng.randint(10**9, 10**10 - 1)}"}
    if rng.random() < 0.5:
        person["nik"] = f"{rng.randint(10**15, 10**16 - 1)}"
    if rng.random() < 0.4:
        person["email"] = f"{name.lower().replace(' ', '.')}@contoh.id"
    return person

"""What a kabupaten's complaints are about: its units, topics, channels and people.

Topic shares follow the national mix in domain.md (damaged roads 14 %, population
administration 12 %, general public service 10 %, education 8 %, clean water 6 %,
transport 6 %, ...), mapped to the unit that usually answers them.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.values import Channel, Kind


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    parent_id: str | None = None


@dataclass(frozen=True)
class Topic:
    category: str
    unit_id: str
    weight: int
    titles: tuple[str, ...]
    details: tuple[str, ...]


UNITS = (
    Unit("setda", "Sekretariat Daerah Kabupaten"),
    Unit("dinkes", "Dinas Kesehatan"),
    Unit("rsud", "RSUD Kabupaten", "dinkes"),
    Unit("disdik", "Dinas Pendidikan dan Kebudayaan"),
    Unit("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    Unit("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    Unit("dishub", "Dinas Perhubungan"),
    Unit("dlh", "Dinas Lingkungan Hidup"),
    Unit("dpmptsp", "Dinas Penanaman Modal dan PTSP"),
    Unit("disnaker", "Dinas Tenaga Kerja"),
    Unit("dinsos", "Dinas Sosial"),
    Unit("satpolpp", "Satuan Polisi Pamong Praja"),
    Unit("pdam", "Perumda Air Minum Tirta", "setda"),
    Unit("kec-kota", "Kecamatan Kota", "setda"),
    Unit("kec-utara", "Kecamatan Utara", "setda"),
)

TOPICS = (
    Topic(
        "infrastruktur",
        "dpupr",
        14,
        ("Jalan rusak berlubang", "Jembatan desa retak", "Drainase tersumbat", "Jalan longsor"),
        (
            "Lubang besar di badan jalan sudah memakan korban pengendara motor",
            "Kerusakan sudah lebih dari tiga bulan dan belum ada perbaikan",
            "Saat hujan jalan tergenang dan tidak bisa dilalui",
        ),
    ),
    Topic(
        "kependudukan",
        "disdukcapil",
        12,
        (
            "KTP-el belum jadi",
            "Akta kelahiran terlambat",
            "Kartu Keluarga salah cetak",
            "Antrean perekaman KTP-el",
        ),
        (
            "Sudah rekam sejak dua bulan lalu tetapi belum juga dicetak",
            "Petugas meminta datang berulang kali tanpa kepastian",
            "Nama dan tanggal lahir tercetak salah di dokumen",
        ),
    ),
    Topic(
        "ketenagakerjaan",
        "disnaker",
        12,
        ("Upah di bawah UMK", "Pesangon tidak dibayar", "Kartu kuning sulit diurus"),
        (
            "Perusahaan membayar upah jauh di bawah ketentuan",
            "Sudah di-PHK tetapi hak pesangon belum diberikan",
            "Pelayanan kartu pencari kerja lambat",
        ),
    ),
    Topic(
        "pelayanan_umum",
        "setda",
        10,
        ("Pelayanan kantor lambat", "Petugas tidak ramah", "Informasi layanan tidak jelas"),
        (
            "Menunggu berjam-jam tanpa kejelasan kapan dilayani",
            "Persyaratan yang diminta berbeda dengan yang diumumkan",
            "Loket tutup sebelum jam pelayanan berakhir",
        ),
    ),
    Topic(
        "pendidikan",
        "disdik",
        8,
        ("Pungutan sekolah", "PPDB zonasi bermasalah", "Guru sering tidak hadir"),
        (
            "Sekolah menarik iuran yang tidak jelas dasarnya",
            "Anak kami tidak diterima padahal rumah dekat sekolah",
            "Kegiatan belajar sering kosong karena guru tidak datang",
        ),
    ),
    Topic(
        "kesehatan",
        "rsud",
        7,
        ("Antrean poli terlalu lama", "Pasien BPJS ditolak", "Obat tidak tersedia"),
        (
            "Pasien menunggu sejak pagi dan baru dilayani sore hari",
            "Peserta BPJS diminta membayar biaya tambahan",
            "Resep tidak bisa ditebus karena stok obat kosong",
        ),
    ),
    Topic(
        "puskesmas",
        "dinkes",
        4,
        ("Puskesmas tutup saat jam layanan", "Imunisasi anak ditunda"),
        (
            "Puskesmas tidak buka pada jam yang tertera",
            "Jadwal imunisasi dibatalkan tanpa pemberitahuan",
        ),
    ),
    Topic(
        "air_bersih",
        "pdam",
        6,
        ("Air PDAM tidak mengalir", "Tagihan air melonjak", "Air keruh dan berbau"),
        (
            "Sudah seminggu air tidak mengalir di lingkungan kami",
            "Tagihan naik tiga kali lipat padahal pemakaian biasa",
            "Air yang keluar keruh dan tidak layak pakai",
        ),
    ),
    Topic(
        "transportasi",
        "dishub",
        6,
        ("Lampu lalu lintas mati", "Parkir liar di bahu jalan", "Angkutan umum ngetem"),
        (
            "Lampu lalu lintas di persimpangan mati dan rawan kecelakaan",
            "Juru parkir liar memungut tarif di luar ketentuan",
            "Angkot berhenti lama dan menyebabkan kemacetan",
        ),
    ),
    Topic(
        "lingkungan",
        "dlh",
        6,
        ("Sampah tidak diangkut", "Pencemaran sungai", "Pembakaran sampah"),
        (
            "Sampah menumpuk di TPS lebih dari seminggu",
            "Limbah pabrik dibuang ke sungai dan airnya berubah warna",
            "Warga membakar sampah dan asapnya mengganggu",
        ),
    ),
    Topic(
        "perizinan",
        "dpmptsp",
        5,
        ("Izin usaha lama terbit", "Biaya izin tidak resmi"),
        (
            "Permohonan izin sudah lengkap tetapi belum terbit",
            "Diminta membayar biaya di luar tarif resmi agar izin cepat keluar",
        ),
    ),
    Topic(
        "bantuan_sosial",
        "dinsos",
        5,
        ("Bansos tidak tepat sasaran", "Nama hilang dari DTKS"),
        (
            "Warga mampu menerima bantuan sementara yang miskin tidak",
            "Nama keluarga kami tiba-tiba hilang dari data penerima",
        ),
    ),
    Topic(
        "ketertiban",
        "satpolpp",
        3,
        ("PKL menutup trotoar", "Tempat hiburan bising"),
        (
            "Pedagang kaki lima menutup trotoar sehingga pejalan kaki turun ke jalan",
            "Tempat hiburan beroperasi sampai larut malam",
        ),
    ),
    Topic(
        "penerangan_jalan",
        "kec-kota",
        2,
        ("Lampu PJU padam",),
        ("Lampu penerangan jalan padam dan lingkungan rawan",),
    ),
)

CHANNELS = {
    Channel.WEB: 30, Channel.MOBILE: 22, Channel.SOCIAL_MEDIA: 14, Channel.SMS: 8,
    Channel.WALK_IN: 10, Channel.PHONE: 7, Channel.EMAIL: 5, Channel.LETTER: 4,
}  # fmt: skip
KINDS = {Kind.PENGADUAN: 78, Kind.ASPIRASI: 14, Kind.PERMINTAAN_INFORMASI: 8}

PLACES = (
    "Jl. Merdeka", "Jl. Sudirman", "Jl. Diponegoro", "Desa Sukamaju", "Desa Karanganyar",
    "Kelurahan Kauman", "Pasar Induk", "Alun-alun", "Terminal Kota", "Perumahan Griya Asri",
)  # fmt: skip
GIVEN_NAMES = (
    "Siti", "Budi", "Agus", "Dewi", "Rina", "Joko", "Wahyu", "Sri", "Ahmad", "Nur",
    "Yusuf", "Lestari", "Hendra", "Fitri", "Bambang", "Ayu", "Rudi", "Indah",
)  # fmt: skip
FAMILY_NAMES = (
    "Rahayu", "Santoso", "Wibowo", "Lestari", "Hidayat", "Saputra", "Kurniawan",
    "Setiawan", "Handayani", "Pratama", "Nugroho", "Wulandari",
)  # fmt: skip
AGE_BANDS = ("<20", "20-29", "30-39", "40-49", "50-59", ">=60")
EDUCATIONS = ("SD", "SMP", "SMA", "D3", "S1", "S2")
OCCUPATIONS = ("PNS", "TNI/Polri", "swasta", "wiraswasta", "pelajar", "lainnya")

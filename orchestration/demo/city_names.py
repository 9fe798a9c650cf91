"""Names a city government and its people have: OPDs, jabatan, Indonesian given and family names."""

# (kode, nama, relative size)
OPDS = [
    ("1.01", "Sekretariat Daerah", 5), ("1.02", "Sekretariat DPRD", 2), ("1.03", "Inspektorat Daerah", 2),
    ("1.04", "Badan Perencanaan Pembangunan Daerah", 2), ("1.05", "Badan Pengelolaan Keuangan dan Aset Daerah", 3),
    ("1.06", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", 2), ("1.07", "Badan Pendapatan Daerah", 2),
    ("1.08", "Badan Penanggulangan Bencana Daerah", 1), ("1.09", "Badan Kesatuan Bangsa dan Politik", 1),
    ("2.01", "Dinas Pendidikan dan Kebudayaan", 30), ("2.02", "Dinas Kesehatan", 10),
    ("2.03", "Dinas Pekerjaan Umum dan Penataan Ruang", 3), ("2.04", "Dinas Perumahan dan Kawasan Permukiman", 2),
    ("2.05", "Dinas Sosial dan Pemberdayaan Masyarakat", 2), ("2.06", "Dinas Kependudukan dan Pencatatan Sipil", 2),
    ("2.07", "Dinas Perhubungan", 2), ("2.08", "Dinas Komunikasi dan Informatika", 2),
    ("2.09", "Dinas Lingkungan Hidup", 3), ("2.10", "Dinas Koperasi UKM dan Perdagangan", 2),
    ("2.11", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", 2), ("2.12", "Dinas Ketenagakerjaan", 1),
    ("2.13", "Dinas Pemuda Olahraga dan Pariwisata", 1), ("2.14", "Dinas Ketahanan Pangan Pertanian dan Perikanan", 2),
    ("2.15", "Dinas Perpustakaan dan Kearsipan", 1), ("2.16", "Satuan Polisi Pamong Praja", 3),
    ("2.17", "Dinas Pemadam Kebakaran", 2), ("3.01", "Rumah Sakit Umum Daerah Taman Husada", 9),
    ("4.01", "Kecamatan Bontang Utara", 2), ("4.02", "Kecamatan Bontang Selatan", 2), ("4.03", "Kecamatan Bontang Barat", 1),
]

JABATAN = {
    "STRUKTURAL": {17: "Sekretaris Daerah", 16: "Asisten Sekretaris Daerah", 15: "Kepala Dinas", 14: "Kepala Badan",
                   13: "Sekretaris Dinas", 12: "Kepala Bidang", 11: "Kepala Bagian", 10: "Camat Pembantu",
                   9: "Kepala Sub Bagian", 8: "Kepala Seksi"},
    "FUNGSIONAL": ["Guru Ahli Pertama", "Guru Ahli Muda", "Perawat Terampil", "Perawat Ahli Pertama", "Bidan Terampil",
                   "Dokter Ahli Pertama", "Analis Kebijakan Ahli Muda", "Pranata Komputer Ahli Pertama",
                   "Auditor Ahli Muda", "Perencana Ahli Pertama", "Penyuluh Pertanian Terampil", "Pamong Praja Terampil"],
    "PELAKSANA": ["Pengadministrasi Umum", "Pengelola Keuangan", "Operator Layanan Operasional",
                  "Penata Layanan Operasional", "Pengelola Data", "Pengadministrasi Perkantoran", "Pengemudi"],
}

GIVEN_NAMES = {
    1: ["Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irwan", "Joko", "Muhammad", "Rudi", "Andi", "Arif",
        "Bambang", "Dwi", "Hadi", "Iwan", "Rahmat", "Syamsul", "Wahyu", "Yusuf", "Akbar", "Daeng", "Ilham", "Ridwan"],
    2: ["Siti", "Sri", "Dewi", "Nur", "Rina", "Wulan", "Fitri", "Yuni", "Ratna", "Indah", "Ani", "Lestari", "Nurul",
        "Rahmawati", "Sari", "Endang", "Hasanah", "Kartini", "Maya", "Putri", "Andi", "Fatimah", "Nining", "Hartini"],
}
FAMILY_NAMES = ["Saputra", "Hidayat", "Santoso", "Wibowo", "Setiawan", "Pratama", "Nugroho", "Kurniawan", "Siregar",
                "Hasibuan", "Lubis", "Rahman", "Syahputra", "Gunawan", "Permana", "Sulistyo", "Anwar", "Basri",
                "Hamzah", "Mappanyukki", "Latif", "Tahir", "Salim", "Ramadhan", "Yulianti", "Purnamasari", "Handayani"]

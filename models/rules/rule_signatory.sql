-- Who signs each OPD's daftar nominatif (Kepala OPD, Bendahara Pengeluaran) and the city's Ringkasan, dated, with the decree that appoints them.
{{ dated_rule('rule_signatory', key=['opd_kode', 'role']) }}

-- Who bears PPh 21 on TPP per jenis_pegawai (government - not withheld - or employee - withheld) and the method.
{{ dated_rule('rule_pph21_bearer', key=['jenis_pegawai']) }}

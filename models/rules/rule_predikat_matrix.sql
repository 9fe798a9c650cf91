-- 3x3 matrix (hasil kerja x perilaku kerja) -> predikat kinerja 1-5 (PermenPANRB 6/2022).
{{ dated_rule('rule_predikat_matrix', key=['hasil_code', 'perilaku_code']) }}

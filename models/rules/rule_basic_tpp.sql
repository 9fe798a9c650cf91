-- Basic TPP per kelas jabatan 1-17 (demo amounts, confidence assumed, until the Perwali attachment is loaded).
{{ dated_rule('rule_basic_tpp', key=['kelas_jabatan']) }}

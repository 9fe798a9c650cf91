-- Status factor per jenis_pegawai and kedudukan, percent of the basis.
{{ dated_rule('rule_status_factor', key=['jenis_pegawai', 'kedudukan']) }}

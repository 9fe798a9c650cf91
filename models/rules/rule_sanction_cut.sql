-- Disciplinary sanctions (hukuman disiplin, PP 94/2021) per SIASN jenisHukumanId - the TPP cut, its base and how many months it runs from the month of the TMT.
{{ dated_rule('rule_sanction_cut', key=['jenis_hukuman_id']) }}

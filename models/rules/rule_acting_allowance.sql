-- What an acting official (Plt/Plh) gets - own TPP plus a share of the acting post's, or the acting post's - and the minimum period.
{{ dated_rule('rule_acting_allowance', key=['level']) }}

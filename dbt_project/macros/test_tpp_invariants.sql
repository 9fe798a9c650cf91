{# Exactly one entitlement row per rostered person and open month: nobody dropped, nobody invented. An issued
   month holds what was issued; a roster re-delivered since gives corrections, not other lines. #}
{% test one_row_per_rostered_person_month(model) %}
with issued as (select period from {{ ref('stg_issued__months') }}),
roster as (select period, nip from {{ ref('stg_payroll__roster') }} where period not in (select period from issued)),
facts as (select period, nip, count(*) as n from {{ model }} where period not in (select period from issued) group by all)
select coalesce(roster.period, facts.period) as period, coalesce(roster.nip, facts.nip) as nip, facts.n
from roster
full outer join facts on facts.period = roster.period and facts.nip = roster.nip
where facts.n is distinct from 1 or roster.nip is null
{% endtest %}

{# The ledger and the entitlement agree: deferred and released rupiah per person and open month (an issued month
   differs only by what fct_tpp_correction carries). #}
{% test ledger_matches_entitlement(model) %}
with ledger_deferred as (
    select nip, deferred_period as period, sum(deferred_amount) as amount from {{ model }} group by all
),
ledger_released as (
    select nip, release_period as period, sum(released_amount) as amount
    from {{ model }} where release_period is not null group by all
),
facts as (select nip, period, deferred_amount, released_amount from {{ ref('fct_tpp_entitlement') }}
          where period not in (select period from {{ ref('stg_issued__months') }}))
select facts.nip, facts.period, facts.deferred_amount, ledger_deferred.amount as ledger_deferred,
       facts.released_amount, ledger_released.amount as ledger_released
from facts
left join ledger_deferred using (nip, period)
left join ledger_released using (nip, period)
where facts.deferred_amount <> coalesce(ledger_deferred.amount, 0)
   or facts.released_amount <> coalesce(ledger_released.amount, 0)
{% endtest %}

{# Per person and corrected month, the corrections add up to recomputed - issued: nothing paid twice or lost. #}
{% test corrections_add_up(model) %}
select nip, corrected_period, sum(amount) as amount, max(difference_amount) as difference
from {{ model }}
group by nip, corrected_period
having sum(amount) <> max(difference_amount)
{% endtest %}


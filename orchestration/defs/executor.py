"""The jobs' executor: Dagster's default (multiprocess, or in_process by run config), except that step processes
fork from a server that has imported the code location once, instead of each starting a fresh interpreter that
imports Dagster, dagster-dbt and the definitions again (about 5 s a step, 8 steps a month). Config given in a run
(a start method of its own, max_concurrent, retries) still applies."""
import dagster as dg
from dagster._core.definitions.executor_definition import (_core_in_process_executor_creation,
                                                           _core_multiprocess_executor_creation,
                                                           multi_or_in_process_executor)

PRELOAD = ["orchestration.definitions"]


@dg.executor(name="multi_or_in_process_executor", config_schema=multi_or_in_process_executor.config_schema,
             requirements=multi_or_in_process_executor._requirements_fn)
def kinerja_executor(init_context: dg.InitExecutorContext):
    config = init_context.executor_config
    if "multiprocess" in config:
        multiprocess = dict(config["multiprocess"] or {})
        multiprocess.setdefault("start_method", {"forkserver": {"preload_modules": PRELOAD}})
        return _core_multiprocess_executor_creation(multiprocess)
    return _core_in_process_executor_creation(config["in_process"])

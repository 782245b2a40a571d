"""Enqueue a Celery task by its name.

A service that queues work done by its own app's tasks module would otherwise import that
module, which imports the service back (a module cycle, tests/test_import_graph.py). Naming the
task keeps the dependency one way: `tasks.py` imports `services.py`, never the reverse. The
name is the task's dotted path (`shared_task` names a task after its module and function).
"""

from celery import current_app


def enqueue_task(name: str, *args, **options) -> None:
    """Send the task called `name` with positional `args` to the broker (options as for
    Celery's `send_task`, e.g. `shadow`). Raises what the broker raises."""
    current_app.send_task(name, args=args, **options)

"""The explanations under the Benchmarks table (kept apart from the code that writes it)."""

NOTES = """
How the figures are made:

- CPU, not wall time: every "cpu" figure is the worker's own CPU per unit (`time.process_time` of the bench
  process when it drives the services in-process; psutil's user + system time of the Functions host for card
  actions), so a busy neighbour moves it far less than a wall time. The Graph emulator, the connector emulator and
  Azurite always run as their own processes and their CPU is a separate figure ("emulator(s)" / "azurite"), read
  through psutil while they run. A figure with a range is the median of 3 runs (`--runs`), lowest-highest beside
  it. `BENCH_QUICK=1 make bench` runs each once at small sizes into out/bench-quick.json (docs untouched).
- Cold start (`tests/bench/cold_start.py`): 5 fresh interpreters each, `import function_app` plus a first POST
  /api/messages that runs a whole bot turn ("help" with a Teams locale, anonymous local auth, against Azurite: two
  Table reads), minus a bare `import azure.functions`, as the interpreter's CPU (target 0.5 s) and as wall time.
  `--profile FILE` writes a pyinstrument report of one cold turn, `--breakdown` the CPU of each stage. Where it
  goes (`--breakdown`, 2026-12-01, after 437c86f and 805eea5): importing the Agents SDK is about 79% (its pydantic
  activity models, aiohttp, OpenTelemetry: the package imports all of its submodules, so none can be left out);
  the Table client about 9% (requests/urllib3); settings 5%; our bot modules 3%; PyJWT + httpx 2%; the turn 2%.
  The chat commands' agenda and planning modules, the card-action modules and the queue client load on first use.
- Plan and dry-run (`tests/bench/plan_scale.py`): in-memory tables, so the planner's own cost; the growth of the
  cost per pair from the smallest size says whether it stays linear (`--plan-sizes 1000 10000 50000` for more).
- First cycle (`tests/bench/cycle.py`): sync, plan, schedule with the real msgraph-sdk adapters against the Graph
  emulator as its own process (50 ms latency, the Outlook limits on: 4 concurrent requests and 10,000 per 10
  minutes per mailbox), tables and queues on Azurite in its own processes, the bundled company's 366-day year plan.
  Worker CPU per pair on the first
  cycle and on the unchanged re-run; the emulator's CPU apart. The lower bound is one request at a time:
  latency x (round trips + $batch items / 4); up to 4 groups of managers are scheduled at once
  (`scheduling_handlers.LANES`). Peak RSS is the worker's alone now that the emulator is not in its process. Until
  2026-12-01 the emulator ran in a thread of the worker, so its CPU was mixed into the worker's. 1,000 and 10,000
  people: `python -m tests.bench.run --only cycle --cycle-people 1000 10000` (too slow for the 20-minute run).
- Card fan-out (`tests/bench/card_fanout.py`): prep cards through the `send-card` trigger's handler
  (`card_queue.handle_send_card`: the run record, ops telemetry and `deliver_card`; 16 at a time, like a queue
  batch) with the Agents SDK messenger against the connector emulator (20 ms latency, Teams' per-conversation
  windows and 30 operations per second per app) and app installs on the Graph emulator, both as processes, while
  a bounded busy loop the bench starts (`--busy-core-s`, ended with the run) takes one of the two cores. Two
  passes: first cards (app install + opening the conversation + the card) and later cards (stored conversation).
  The fraction counts connector operations (open + send) per second over the per-app limit. `CardRateLimiter`
  counts the app limit as the connector does, in a sliding one-second window, holding each operation's place
  from the grant until one second after its answer (never over the connector's window, whatever the latency), so
  the rate is the limit x 1 / (1 + time to answer); the time to answer is mostly waiting for the event loop, so
  the fraction falls as the worker's CPU per card rises or its core is shared (no 429 at any load).
  `card_cpu_ms_per_card_late_year` (one run, half the recipients, no busy core): the later cards when each pair's
  `outcomes` partition already holds 13 fortnightly conversations held, each with an outcome of one open action,
  and 13 scheduled (`--history 13`): the cards read the earlier actions, and render them.
- Card actions (`tests/bench/card_action.py`): `function_app` in the local Functions runner with tables on Azurite,
  anonymous local auth. Table round trips: a runner whose table endpoint is a counting proxy
  (`tests/bench/table_proxy.py`) takes 10 prep.submit actions; every request to the table service is counted.
  Rate and p99: actions offered open-loop at 100 per second for 5 s to a runner talking to Azurite directly,
  latency from each action's scheduled time (a worker that falls behind shows it as latency, not as a slower
  client); CPU per action is the runner's CPU over that phase. The old figure (p99 with 50 clients and no think
  time, `tests/bench/bot_latency.py`) measured queueing on one process and is retired.
- Workbook export (`tests/bench/workbook_export.py --outcomes 500`): 3,000 rows (500 outcomes x 5 actions plus
  their Conversations rows), first export and a retry: round trips (at most 1 per 500 rows, and the 3 fixed calls
  of the file upload: find, read, upload) and the worker's CPU per row of the first export.
- Decline to repair (`tests/bench/decline_repair.py`): the whole local stack as processes (Azurite, the Graph
  emulator, the Functions runner without timers), 60 people scheduled and subscribed by `wegrow cycle`; ten
  reports decline one occurrence each, in turn, through the emulator's Graph API. The time runs from the
  decline's 202 to the organiser's occurrence showing its new time (read every 0.2 s): the emulator's notice to
  `/api/notifications`, the `graph-notifications` queue (polled every 0.5 s by the local runner), the event read
  and the repair. Without notifications the same decline waits for the poll: a live pair is checked every 7 days,
  and every 14 days as the backstop when both mailboxes are notified.
"""

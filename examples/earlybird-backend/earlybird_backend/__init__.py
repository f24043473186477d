"""EarlyBird: a small order and billing backend (standard library + pymongo).

It performs the data operations that scenarios/earlybird/lib/earlybird.json
models (createOrder, markDelivered, runBilling), so the scenario's checks can be
run against the data it writes.
"""

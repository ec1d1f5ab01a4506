"""What the tests share that is not a test: BitBake's readers and datastore as oracles,
hypothesis strategies, rule helpers, and the checks for what the environment provides."""

"""Review: cases, queues and decisions (service functions, audited)."""

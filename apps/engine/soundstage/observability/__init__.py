"""Operations: Prometheus metrics, structured logs with request and job ids."""

"""What operators watch: the message log, traffic figures, metrics, health, logging, and the hub's periodic
housekeeping."""

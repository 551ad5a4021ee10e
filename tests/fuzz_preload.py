"""Imported by the fuzz harness's fork server: a warm start for every case's child."""
import fuzz_cases

fuzz_cases.warm_up()

"""What the domain needs from outside, as Protocols: storage ports (`repositories`,
`unit_of_work`; persistence implements them) apart from ports to the outside world
(`outside_world`; adapters implement them)."""

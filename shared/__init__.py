"""WeGrow core package: domain, services, ports, adapters, settings and the composition root."""

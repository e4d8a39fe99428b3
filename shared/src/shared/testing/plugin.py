"""pytest plugin with the fixtures every service uses (filled in by the kernel)."""

// Shared setup for the jsdom component tests (intentionally empty for now).

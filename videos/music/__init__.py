"""Background music the project makes itself: synthesised beds with a known tempo and mood."""

"""The console's conversation search: an index kept by the actions, and the query over it."""

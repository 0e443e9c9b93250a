"""Full-text search machinery shared by the help center and the console's conversation search.

`analysis` turns text into folded, segmented, stemmed terms (the same way for documents
and queries); `expressions` writes those terms as an FTS5 or tsquery match; `snippets`
cuts a highlighted passage. Each app keeps its own index table and ranking.
"""

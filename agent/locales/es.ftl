# llm-agent in Spanish (español). Translated from en.ftl.

# llm-agent in German (Deutsch). Translated from en.ftl.

/**
 * Chat templates: renders a model's own {@code tokenizer.chat_template} (Jinja, as Hugging Face
 * stores it) exactly as transformers' {@code apply_chat_template} does.
 *
 * <h2>API</h2>
 *
 * <pre>{@code
 * ChatTemplate t = ChatTemplate.compile(source);          // TemplateException (line, column) on syntax errors
 * String prompt = t.render(ChatTemplateInput.builder()
 *     .messages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")))
 *     .tools(List.of(new ToolDefinition("get_weather", "Weather in a city.", schema)))
 *     .addGenerationPrompt(true)
 *     .bosToken("<|begin_of_text|>").eosToken("<|eot_id|>")
 *     .kwarg("enable_thinking", false)                     // any extra template kwarg
 *     .build());
 * }</pre>
 *
 * Messages and tools are {@link dev.hearth.engine.template.ChatMessage} /
 * {@link dev.hearth.engine.template.ToolDefinition} / {@link dev.hearth.engine.template.ToolCall} /
 * {@link dev.hearth.engine.template.ContentPart} records or plain {@code Map}/{@code List} trees. A
 * compiled template is immutable and thread-safe; {@code withClock} fixes {@code strftime_now}.
 * {@link dev.hearth.engine.template.TemplateException.Raised} is what a template's own
 * {@code raise_exception(...)} throws (e.g. "roles must alternate"): a client error, not a server one.
 *
 * <h2>Context, as transformers builds it</h2>
 *
 * {@code messages}, {@code tools} (None when absent, so {@code tools is defined} holds),
 * {@code documents} (None), {@code add_generation_prompt}, {@code bos_token}/{@code eos_token}
 * (undefined when null), then the extra kwargs. Keys a message does not have are undefined, as with
 * HF's dicts: {@link dev.hearth.engine.template.ChatMessage} only emits {@code tool_calls},
 * {@code name}, {@code tool_call_id}, {@code reasoning_content} when set (Hermes tests
 * {@code tool_calls is not defined}). A null {@code content} is passed as None, as the OpenAI wire
 * format has it; some templates (Qwen3, QwQ, gpt-oss) then fail exactly as they do in Python, so
 * callers may prefer {@code ""} for assistant tool-call turns. Tool-call arguments should be maps
 * ({@link dev.hearth.engine.template.ToolCall#ofJson} parses the OpenAI JSON string): templates apply
 * {@code tojson} themselves.
 *
 * <h2>Design decision: our own Jinja engine, not Jinjava</h2>
 *
 * Jinjava 2.8.2 was tried first: with strict whitespace-control overrides it rendered Qwen2.5, Llama
 * 3.1, Mistral Nemo and Phi-3.5 right except for the trailing newline, but failed Qwen3
 * ({@code messages[::-1]}) and gpt-oss ({@code strftime_now}). Beyond those gaps, its semantics are
 * Java's, not Python's, in exactly the places prompts are sensitive to: {@code str()} of
 * None/True/floats/lists, HF's {@code tojson} (ensure_ascii=False, {@code ", "}/{@code ": "}
 * separators, indent), Python string methods, slicing, Jinja2's default {@code Undefined} (empty when
 * printed, an error on attribute access), and the lexer rules ({@code trim_blocks},
 * {@code lstrip_blocks}, {@code -}/{@code +} markers, one trailing source newline dropped). Patching
 * all of that into a large engine (plus its Guava/Jackson/jsoup dependencies) would have cost more
 * than a focused engine and stayed approximate. Templates also come from model files, i.e. are
 * untrusted input: a small interpreter with no reflection into Java objects is the sandbox HF gets
 * from {@code ImmutableSandboxedEnvironment} (list/dict mutators are refused the same way).
 *
 * <p>So: {@code Lexer} (Jinja2's whitespace rules) → {@code Parser} (Jinja2's grammar and
 * precedence) → AST ({@code Node}) → {@code Interpreter} (Jinja2 scoping: {@code for} bodies and
 * macros get a scope, {@code if} does not; {@code namespace} for cross-scope state) over a Python value
 * model ({@code Py}: None, bool, int as long, float as double, str, list/tuple, dict in insertion
 * order). {@code Builtins} holds HF's globals ({@code raise_exception}, {@code strftime_now}), Jinja's
 * ({@code range}, {@code dict}, {@code namespace}), the filters and tests, and the Python methods on
 * str/dict/list. It was checked against Python jinja2 3.1 configured as transformers configures it
 * on every template in the shared fixtures × 24 conversations (504 renderings, all identical,
 * including the text of raised errors); the tests pin hand-written expectations.
 *
 * <h2>Supported</h2>
 *
 * Statements: {@code if/elif/else}, {@code for} (tuple unpacking, {@code if} filter, {@code else},
 * {@code recursive}, {@code loop.*} incl. previtem/nextitem/cycle/changed), {@code set} (names,
 * {@code ns.attr}, tuples, block set with filters), {@code macro} (defaults, keyword args, varargs,
 * kwargs, recursion), {@code call} blocks with {@code caller()}, {@code filter} blocks, {@code with},
 * {@code raw}, {@code break}/{@code continue} (HF enables loopcontrols), HF's
 * {@code generation}/{@code endgeneration}. Expressions: all Jinja2 operators with Python semantics
 * ({@code ~ + - * / // % **}, chained comparisons, {@code in}/{@code not in}, {@code and}/{@code or}
 * returning operands, {@code x if c else y}), literals (list, tuple, dict, adjacent strings),
 * attribute/item access with Jinja's attribute-then-item fallback, slicing with negative steps.
 * Filters: length/count, trim, default/d, join, first, last, list, items, dictsort, map (attribute or
 * filter), select/reject, selectattr/rejectattr, safe, string, int, float, bool, tojson (indent,
 * separators, sort_keys, ensure_ascii), upper, lower, title, capitalize, replace, indent, abs, round,
 * sort, unique, reverse, sum, min, max, format, escape/e, attr, batch, center, wordcount, truncate,
 * groupby, striptags. Tests: defined, undefined, none, boolean, true, false, integer, float, number,
 * string, mapping, sequence, iterable, callable, sameas, eq/equalto, ne, lt, le, gt, ge, in, odd,
 * even, divisibleby, lower, upper, filter, test. Methods: str strip/lstrip/rstrip/split/rsplit/
 * splitlines/startswith/endswith/replace/upper/lower/title/capitalize/find/rfind/index/count/join/
 * format/isdigit/isalpha/isspace/islower/isupper/center/removeprefix/removesuffix; dict
 * items/keys/values/get/copy; list index/count.
 *
 * <h2>Not supported</h2>
 *
 * Template inheritance and loading ({@code extends}, {@code block}, {@code include}, {@code import}),
 * autoescaping / {@code Markup}, line statements, {@code do}, {@code i18n}, {@code lipsum},
 * {@code cycler}/{@code joiner}, format specs beyond {@code %}-style for {@code str.format}, the
 * {@code slice}/{@code urlize}/{@code xmlattr}/{@code pprint}/{@code filesizeformat} filters,
 * arbitrary-precision ints (values beyond 64 bits fail). Unknown filters/tests fail at render time
 * with the template position, as Jinja2 does at compile time.
 */
package dev.hearth.engine.template;

package dev.hearth.engine.template;

/**
 * A Java object that knows its template representation: a tree of {@code Map} (insertion ordered),
 * {@code List}, {@code String}, numbers, booleans and {@code null}, as Hugging Face would receive it
 * from Python dicts. Keys absent from the map are <em>undefined</em> in the template.
 */
public interface TemplateValue {
  Object toTemplateValue();
}

package dev.nightshift.agent.model;

/** A tool as the model is told about it: a name, what it does, and a JSON Schema for its arguments. */
public record ToolSpec(String name, String description, String parametersJsonSchema) {}

package dev.hearth.api.uploads;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The spec's {@code CompleteUploadRequest}: the parts in file order, and optionally the file's MD5 (hex). */
public record CompleteUploadRequest(@JsonProperty("part_ids") List<String> partIds, String md5) {}

package dev.nightshift.server.api;

import dev.nightshift.core.policy.AttachmentLimits;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.session.Attachments;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A prompt sent as {@code multipart/form-data}: the fields {@code content}, {@code clientRequestId}
 * and {@code model}, and any number of files named {@code attachment}. The request's size is checked
 * against what the attachment limits allow before a byte of it is read (a larger one is refused at
 * once with 413); parts beyond the first few hundred KiB are kept in temporary files that the server
 * removes when the request ends. Runs on the request's thread.
 */
final class PromptForm {
    static final String FILE_FIELD = "attachment";
    /** Where Javalin and Jetty look for a request's multipart settings. */
    private static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    private static final int IN_MEMORY_BYTES = 256 * 1024;
    private static final int MAX_SHORT_FIELD_BYTES = 4096;

    record Parsed(Requests.Prompt prompt, List<Attachments.Upload> uploads) {}

    private PromptForm() {}

    static boolean isMultipart(Context ctx) {
        String type = ctx.contentType();
        return type != null
                && type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals("multipart/form-data");
    }

    static Parsed read(Context ctx, AttachmentLimits limits, int maxPromptChars) {
        long max = limits.maxRequestBytes(maxPromptChars);
        long length = ctx.req().getContentLengthLong();
        if (length > max) {
            throw tooLarge(limits, max);
        }
        ctx.req()
                .setAttribute(
                        MULTIPART_CONFIG,
                        new MultipartConfigElement(System.getProperty("java.io.tmpdir"), -1, max, IN_MEMORY_BYTES));
        Collection<Part> parts;
        try {
            parts = ctx.req().getParts();
        } catch (IOException | ServletException | RuntimeException e) {
            if (exceeded(e)) {
                throw tooLarge(limits, max);
            }
            throw ApiException.badRequest("the multipart/form-data body could not be read ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); send the fields content, clientRequestId and model and the files as '" + FILE_FIELD + "'");
        }
        Map<String, String> fields = new HashMap<>();
        List<Attachments.Upload> uploads = new ArrayList<>();
        for (Part part : parts) {
            String name = part.getName();
            if (part.getSubmittedFileName() != null) {
                if (!FILE_FIELD.equals(name)) {
                    throw ApiException.badRequest(
                            "the file field '" + name + "' is not known; send each file as '" + FILE_FIELD + "'");
                }
                uploads.add(new Attachments.Upload(
                        part.getSubmittedFileName(), part.getContentType(), part.getSize(), part::getInputStream));
                continue;
            }
            int limit = switch (name) {
                case "content" -> 4 * maxPromptChars;
                case "clientRequestId", "model" -> MAX_SHORT_FIELD_BYTES;
                default ->
                    throw ApiException.badRequest("the field '" + name + "' is not known; a prompt has "
                            + "content, clientRequestId and model, and files named '" + FILE_FIELD + "'");
            };
            if (fields.containsKey(name)) {
                throw ApiException.badRequest("the field '" + name + "' is sent twice");
            }
            fields.put(name, text(part, name, limit));
        }
        return new Parsed(
                new Requests.Prompt(fields.get("content"), fields.get("clientRequestId"), fields.get("model")),
                List.copyOf(uploads));
    }

    private static String text(Part part, String name, int limit) {
        if (part.getSize() > limit) {
            throw new ApiException(
                    413, "field_too_large", "the field '" + name + "' is longer than " + limit + " bytes");
        }
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ApiException.badRequest("the field '" + name + "' could not be read: " + e.getMessage());
        }
    }

    /** Whether the multipart parser gave up because the body is larger than allowed. */
    private static boolean exceeded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("max") && (message.contains("exceed") || message.contains("size"))
                    || t.getClass().getSimpleName().contains("TooLarge")) {
                return true;
            }
        }
        return false;
    }

    private static ApiException tooLarge(AttachmentLimits limits, long max) {
        return new ApiException(
                413,
                "payload_too_large",
                "the request is larger than " + max + " bytes, the most a prompt with " + limits.maxCount()
                        + (limits.maxCount() == 1 ? " attachment" : " attachments") + " of at most "
                        + Attachments.readable(limits.maxBytes()) + " each may be; send fewer or smaller files");
    }
}

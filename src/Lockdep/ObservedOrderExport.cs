using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace LockContracts.Lockdep
{
    /// <summary>
    /// The observed order as JSON: <c>{"format":"lockcontracts-observed-order/1","edges":[{"from","fromMode","to","toMode","violation","thread","stack"}]}</c>.
    /// Nesting subclasses keep their "/n" suffix; readers fold them into their class.
    /// </summary>
    internal static class ObservedOrderExport
    {
        public const string Format = "lockcontracts-observed-order/1";

        public static void Write(string path, IReadOnlyList<LockDependency> dependencies)
        {
            using var stream = File.Create(path);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteStartArray("edges");
            foreach (var dependency in dependencies)
            {
                json.WriteStartObject();
                json.WriteString("from", dependency.From);
                json.WriteString("fromMode", dependency.FromMode.ToString());
                json.WriteString("to", dependency.To);
                json.WriteString("toMode", dependency.ToMode.ToString());
                if (dependency.ViolationId is { } violation)
                {
                    json.WriteString("violation", violation);
                }

                json.WriteString("thread", dependency.FirstSeenThreadName ?? "#" + dependency.FirstSeenThreadId);
                json.WriteString("stack", dependency.FirstSeenStack);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }
}

using System.Globalization;

namespace Cloud.Storage.Tables;

/// <summary>The property value types every backend can store exactly (Azure Table's EDM types).</summary>
internal static class TableValues
{
    public static object? Check(string name, object? value) => value switch
    {
        null or string or bool or int or long or double or DateTimeOffset or Guid or byte[] => value,
        DateTime dateTime => new DateTimeOffset(dateTime.ToUniversalTime(), TimeSpan.Zero),
        _ => throw new ArgumentException(
            $"Property '{name}' is a {value.GetType().Name}; table properties may be string, bool, int, long, double, DateTimeOffset, Guid or byte[].", nameof(value)),
    };

    public static object Convert(object value, Type target)
    {
        var type = Nullable.GetUnderlyingType(target) ?? target;
        if (type.IsInstanceOfType(value))
        {
            return value;
        }

        // Azure returns 32-bit integers for small values that were written as long, and vice versa.
        return type == typeof(long) && value is int i ? (long)i
            : type == typeof(int) && value is long l ? checked((int)l)
            : type == typeof(double) && value is int or long ? System.Convert.ToDouble(value, CultureInfo.InvariantCulture)
            : throw new InvalidCastException($"Property value {value} ({value.GetType().Name}) is not a {type.Name}.");
    }
}

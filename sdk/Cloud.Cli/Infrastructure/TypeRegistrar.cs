using Spectre.Console.Cli;

namespace Cloud.Cli.Infrastructure;

/// <summary>
/// The little dependency injection Spectre.Console.Cli needs: commands take the <see cref="CliEnvironment"/> in their
/// constructor, and Spectre asks for its own services, some as <c>IEnumerable&lt;T&gt;</c> of every registration.
/// Hand-written because a container package would be the tool's only use of one.
/// </summary>
internal sealed class TypeRegistrar : ITypeRegistrar, ITypeResolver
{
    private readonly Dictionary<Type, List<Func<object>>> _factories = [];

    public void Register(Type service, Type implementation) => Add(service, () => Create(implementation));

    public void RegisterInstance(Type service, object implementation) => Add(service, () => implementation);

    public void RegisterLazy(Type service, Func<object> factory)
    {
        var lazy = new Lazy<object>(factory);
        Add(service, () => lazy.Value);
    }

    public ITypeResolver Build() => this;

    public object? Resolve(Type? type)
    {
        if (type is null)
        {
            return null;
        }

        if (_factories.TryGetValue(type, out var factories))
        {
            return factories[^1]();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            var element = type.GetGenericArguments()[0];
            var all = _factories.TryGetValue(element, out var registered) ? registered.Select(f => f()).ToArray() : [];
            var array = Array.CreateInstance(element, all.Length);
            Array.Copy(all, array, all.Length);
            return array;
        }

        return type.IsAbstract || type.IsInterface ? null : Create(type);
    }

    private void Add(Type service, Func<object> factory)
    {
        if (!_factories.TryGetValue(service, out var list))
        {
            _factories[service] = list = [];
        }

        list.Add(factory);
    }

    private object Create(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return constructor.Invoke(constructor.GetParameters().Select(p => Resolve(p.ParameterType)).ToArray());
    }
}

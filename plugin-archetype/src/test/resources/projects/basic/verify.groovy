// Runs after the generated project's own build (goal.txt): checks that what it built is a deployable Waymark plugin.
import java.util.jar.JarFile
import java.util.zip.ZipFile

// maven-archetype-plugin 3.3 binds basedir (this folder) and context, whose projectDir is the generated project.
def project = context.projectDir
def target = new File(project, 'target')
def bundle = new File(target, 'pathfinder-example-1.0.0-SNAPSHOT.jar')
def kar = new File(target, 'pathfinder-example-1.0.0-SNAPSHOT.kar')
assert bundle.isFile() : "no bundle at $bundle"
assert kar.isFile() : "no .kar at $kar"

def manifest = new JarFile(bundle).withCloseable { it.manifest.mainAttributes }
assert manifest.getValue('Waymark-Plugin') == 'true' : 'the bundle is marked as a Waymark plugin'
assert manifest.getValue('Bundle-SymbolicName') == 'org.example.waymark.pathfinder-example'
// The range starts at the minor version the plugin was built against and ends before the next major version.
assert manifest.getValue('Import-Package') =~ /org\.waymark\.api\.triage;version="\[1\.\d+,2\)"/ :
        "imports the triage SPI up to its next major version: ${manifest.getValue('Import-Package')}"
assert !manifest.getValue('Import-Package').contains('org.example') : 'exports and imports nothing of its own'
assert manifest.getValue('Export-Package') == null : 'a plugin exports no packages'
// A plugin whose components reference the core's services (SchemaReady, the data source) is still deployable as a
// .kar: Karaf's feature resolver refused it while bnd wrote an osgi.service requirement for each @Reference.
def bnd = new File(project, 'pom.xml').text
assert bnd.contains('-dsannotations-options: norequirements') : 'the bundle declares no service requirements'

def component = new JarFile(bundle).withCloseable { jar ->
    jar.getInputStream(jar.getEntry('OSGI-INF/org.example.waymark.pathfinder.PhraseTriageRule.xml')).text
}
assert component.contains('name="waymark.area"') && component.contains('value="exampleshire"') :
        "the rule's service carries the area given to the archetype: $component"
assert component.contains('org.waymark.api.triage.TriageRule')

new ZipFile(kar).withCloseable { zip ->
    def names = zip.entries().collect { it.name }
    def repo = 'repository/org/example/waymark/pathfinder-example/1.0.0-SNAPSHOT/'
    assert names.contains(repo + 'pathfinder-example-1.0.0-SNAPSHOT.jar') : "the .kar holds the bundle: $names"
    assert names.contains(repo + 'pathfinder-example-1.0.0-SNAPSHOT-features.xml') : "the .kar holds the feature: $names"
    assert !names.any { it.endsWith('.class') } : "no loose classes in the .kar (Karaf would copy them into its base): $names"
    def features = zip.getInputStream(zip.getEntry(repo + 'pathfinder-example-1.0.0-SNAPSHOT-features.xml')).text
    assert features.contains('<bundle>mvn:org.example.waymark/pathfinder-example/1.0.0-SNAPSHOT</bundle>') : features
}
return true
